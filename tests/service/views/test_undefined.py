"""Staff pages render strictly: what a template uses but nobody gave it is an error, not an empty string."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from service.views.undefined import StaffUndefined


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return app.jinja_env.from_string(source).render(**context)


def test_the_staff_pages_use_the_strict_undefined(app):
    assert app.jinja_env.undefined is StaffUndefined


@pytest.mark.parametrize("source", [
    "{{ reference }}",
    "{% if reference %}shown{% endif %}",
    "{% for row in rows %}{{ row }}{% endfor %}",
    "{{ case.reference }}",
])
def test_a_variable_or_attribute_nobody_gave_raises(app, source):
    with pytest.raises(UndefinedError):
        render(app, source, case=object())


def test_a_missing_option_of_a_macro_is_still_just_not_given(app):
    """GOV.UK's macros read optional settings as missing keys of their params dict."""
    html = render(app, '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
                       '{{ govukButton({"text": "Save"}) }}')
    assert 'class="govuk-button"' in html
    assert "data-prevent-double-click" not in html
    html = render(app, '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
                       '{{ govukButton({"text": "Save", "preventDoubleClick": true}) }}')
    assert 'data-prevent-double-click="true"' in html


def test_a_missing_key_reads_as_not_given_and_defaults_still_work(app):
    assert render(app, "{{ options.hint }}|{{ options.hint | default('none') }}|{{ name is defined }}",
                  options={}) == "|none|False"


def test_a_macro_called_without_a_call_block_may_ask_for_its_caller(app):
    html = render(app, '{% from "govuk_frontend_jinja/components/fieldset/macro.html" import govukFieldset %}'
                       '{{ govukFieldset({"legend": {"text": "When"}, "html": "<p>inside</p>"}) }}')
    assert "<p>inside</p>" in html
