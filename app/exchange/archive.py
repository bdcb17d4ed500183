"""Unpacking an uploaded archive (zipped Shapefile, KMZ) into the import's own folder, safely:
no member may leave the folder (`../`, absolute paths, links), and the unpacked bytes, counted
while writing rather than taken from the archive's own header, stay under the limit (zip bombs)."""

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from app.core.errors import InvalidInput
from app.core.settings import settings

MB = 1024 * 1024
MAX_MEMBERS = 1000
_CHUNK = 1024 * 1024


def _refuse(problem: str, problem_zh: str) -> InvalidInput:
    return InvalidInput.one("file", problem, problem_zh)


def _target(folder: Path, name: str) -> Path:
    """Where member `name` goes; 422 when it would land outside `folder`."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise _refuse(
            f"the archive member {name!r} points outside the archive's folder; nothing was imported",
            f"压缩包中的 {name!r} 指向压缩包目录之外；未导入任何数据",
        )
    target = (folder / pure).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise _refuse(
            f"the archive member {name!r} points outside the archive's folder", f"压缩包中的 {name!r} 指向压缩包目录之外"
        )
    return target


def unpack(archive: Path, folder: Path) -> list[Path]:
    """The files of `archive`, unpacked under `folder`."""
    limit = int(settings().imports.max_unpacked_mb * MB)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(f"the archive cannot be read: {exc}", f"无法读取压缩包：{exc}") from None
    written = 0
    files: list[Path] = []
    with zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise _refuse(
                f"the archive holds {len(members):,} members; at most {MAX_MEMBERS:,}",
                f"压缩包含 {len(members):,} 个文件，最多 {MAX_MEMBERS:,} 个",
            )
        for info in members:
            target = _target(folder, info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _refuse(f"the archive member {info.filename!r} is a link", f"压缩包中的 {info.filename!r} 是链接")
            if info.is_dir():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as dst:
                    while block := src.read(_CHUNK):
                        written += len(block)
                        if written > limit:
                            raise _refuse(
                                f"the archive unpacks to more than {limit / MB:g} MB "
                                "(INVESTMAP_IMPORT_MAX_UNPACKED_MB); nothing was imported",
                                f"压缩包解压后超过 {limit / MB:g} MB；未导入任何数据",
                            )
                        dst.write(block)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
                raise _refuse(
                    f"the archive is damaged at {info.filename!r}: {exc}", f"压缩包在 {info.filename!r} 处损坏：{exc}"
                ) from None
            files.append(target)
    return files


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
