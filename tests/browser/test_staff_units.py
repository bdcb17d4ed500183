"""The edit forms' pure parts, run by Node: labels exist in both languages, and the body a save sends."""

from tests.browser.test_frontend_units import SRC, node


def test_every_form_label_and_coded_family_has_both_languages() -> None:
    out = node(
        f"""
        import {{ STRINGS }} from '{SRC / "i18n.js"}';
        import {{ allLabelKeys }} from '{SRC / "edit" / "form.js"}';
        console.log(JSON.stringify({{ labels: allLabelKeys(), zh: Object.keys(STRINGS.zh), en: Object.keys(STRINGS.en) }}));
    """,
        None,
    )
    assert isinstance(out, dict)
    # Keys built at run time: roles, admin tabs, audit actions (the server's list), key collections.
    families = (
        [f"role.{r}" for r in ("officer", "leader", "admin", "partner")]
        + [f"admin.tab.{t}" for t in ("users", "keys", "audit")]
        + [f"audit.action.{a}" for a in ("create", "update", "delete", "stage", "publish", "unpublish", "load")]
        + [f"admin.collection.{c}" for c in ("parks", "carriers", "clusters", "regions")]
    )
    assert len(out["labels"]) > 40
    for lang in ("zh", "en"):
        assert set(out["labels"]) - set(out[lang]) == set()
        assert set(families) - set(out[lang]) == set()


def test_a_save_sends_what_changed_or_for_a_new_record_what_is_set() -> None:
    cases = node(
        f"""
        import {{ bodyFor, valuesOf }} from '{SRC / "edit" / "form.js"}';
        const stored = {{ kind: 'land', name: 'A-1', published: false, plot_ratio: {{ min: null, max: null }},
          area_mu: 12.5, geometry: {{ type: 'Polygon', coordinates: [[[1, 1], [2, 1], [2, 2], [1, 1]]] }}, park_id: 3 }};
        const initial = valuesOf('carrier', stored);
        const edited = {{ ...initial, plot_ratio: {{ min: 1, max: null }}, area_mu: null, published: true }};
        console.log(JSON.stringify({{
          initialRange: initial.plot_ratio,
          patch: bodyFor(edited, initial),
          unchanged: bodyFor(initial, initial),
          created: bodyFor({{ name: 'B', short_name: null, leading_industries: [], published: false }}, null),
        }}));
    """,
        None,
    )
    assert isinstance(cases, dict)
    assert cases["initialRange"] is None  # an empty published range reads as "not set"
    # A merge patch: only the changes; a cleared area is null, so the server measures the parcel.
    assert cases["patch"] == {"plot_ratio": {"min": 1, "max": None}, "area_mu": None, "published": True}
    assert cases["unchanged"] == {}
    assert cases["created"] == {"name": "B", "published": False}
