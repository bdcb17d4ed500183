"""Finding 14 in the real page: a user signed in with a one-time password must choose their own
before anything else (a form that cannot be dismissed, the server's rule shown when a password
breaks it); afterwards the user menu changes it; an admin's reset on the admin page gives a new
one-time password and ends the user's sessions."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.browser_page import UserPage
from tests.browser.test_staff_pages import (
    choose_password,
    create_officer_on_admin_page,
    open_menu_item,
    sign_in,
    submit_login,
    without,
)
from tests.support.principals import ADMIN_PASSWORD

FORM = "#password-dialog [data-password-form]"
ARGON = 30_000  # ms: a change runs Argon2 twice (the current password, the new one), slow on a loaded machine


def test_a_one_time_password_must_be_replaced_then_the_menu_changes_it_and_a_reset_starts_over(
    new_page: Callable[..., UserPage], admin: dict[str, str], shots: Callable[[Page, str], None]
) -> None:
    admin_user = new_page()
    admin_page = admin_user.open()
    sign_in(admin_page, "admin", ADMIN_PASSWORD)
    open_menu_item(admin_page, "[data-menu=admin]")
    one_time = create_officer_on_admin_page(admin_page, "zhao_f14", "赵专员", "360121")
    expect(admin_page.locator("#admin tr[data-user=zhao_f14] [data-must-change]")).to_have_text("待改密码")

    user = new_page()
    page = user.open()
    submit_login(page, "zhao_f14", one_time)
    form = page.locator(FORM)
    expect(form.locator("[data-password-forced]")).to_be_visible(timeout=ARGON)
    expect(form.locator("input[name=current_password]")).to_have_count(0)  # just typed: not asked again
    expect(form.locator("[data-cancel]")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(form).to_be_visible()
    expect(page.locator("#user-area [data-login]")).to_be_visible()  # nothing of the account yet

    choose_password(page, "short")
    expect(form.locator("[data-password-error]")).to_contain_text("密码过短：至少 10 个字符", timeout=ARGON)
    shots(page, "password-forced")
    choose_password(page, "password123")
    expect(form.locator("[data-password-error]")).to_contain_text("密码过于常见", timeout=ARGON)
    choose_password(page, "my own long passphrase", repeat="my own long passphrase!")
    expect(form.locator("[data-password-error]")).to_have_text("两次输入的新密码不一致", timeout=ARGON)
    choose_password(page, "my own long passphrase")
    expect(page.locator("#password-dialog")).to_be_hidden(timeout=ARGON)
    expect(page.locator("#user-area [data-user-name]")).to_have_text("赵专员")
    expect(page.locator("#staff-tools")).to_be_visible()

    # From the user menu: the current password is asked for, and a wrong one is refused.
    open_menu_item(page, "[data-menu=password]")
    expect(form.locator("[data-cancel]")).to_be_visible()
    choose_password(page, "a second long passphrase", current="not my password")
    expect(form.locator("[data-password-error]")).to_have_text("当前密码不正确", timeout=ARGON)
    choose_password(page, "a second long passphrase", current="my own long passphrase")
    expect(page.locator("#password-dialog")).to_be_hidden(timeout=ARGON)
    expect(page.locator("#user-area [data-user-name]")).to_have_text("赵专员")
    page.reload()
    page.wait_for_selector("body[data-parks-drawn]")
    expect(page.locator("#user-area [data-user-name]")).to_have_text("赵专员")  # the new session cookie holds

    # The admin resets it: a new one-time password on the admin page; the user's page is signed out.
    admin_page.click("#admin [data-admin-tab=keys]")
    admin_page.click("#admin [data-admin-tab=users]")
    reset = admin_page.locator("#admin tr[data-user=zhao_f14] [data-reset-user]")
    reset.click()
    expect(reset).to_have_text("确认重置？")
    reset.click()
    expect(admin_page.locator("#admin [data-secret-once]")).to_contain_text("已生成新的一次性密码", timeout=ARGON)
    shots(admin_page, "admin-password-reset")
    second = admin_page.locator("#admin [data-secret]").input_value()
    assert second not in (one_time, "") and len(second) >= 10
    page.reload()
    page.wait_for_selector("body[data-parks-drawn]")
    expect(page.locator("#user-area [data-login]")).to_be_visible()

    # Signed in with it, and the page reloaded before choosing: the form asks for the current one too.
    submit_login(page, "zhao_f14", second)
    expect(form).to_be_visible(timeout=ARGON)
    page.reload()
    expect(form.locator("input[name=current_password]")).to_be_visible()
    choose_password(page, "a third long passphrase", current=second)
    expect(page.locator("#user-area [data-user-name]")).to_have_text("赵专员", timeout=ARGON)
    admin_user.assert_clean()
    # Expected: the refused passwords (422), and after the reload with a one-time password pending
    # the map's first loads, refused (403) until the form was done. Nothing else.
    assert without(user.problems, r"HTTP 422: .*/api/v1/auth/password$", r"HTTP 403: ", "console: .* (403|422) ") == []
