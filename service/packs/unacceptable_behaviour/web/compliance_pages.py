"""The compliance report, for auditors: every case of the policy checked against its rules, with the
figures the Board reads. Beside the platform's audit pages (under /audit), but the policy's own."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from service.auth.permissions import allow
from service.packs.unacceptable_behaviour.compliance import check_all_cases, lifting_grace
from service.packs.unacceptable_behaviour.policy_figures import policy_figures
from service.views.helpers import runtime

blueprint = Blueprint("compliance", __name__, url_prefix="/audit")


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/compliance")
@allow("auditor")
def report():
    now, settings = runtime().clock.now(), runtime().settings
    report = check_all_cases(runtime().casework, now, lifting_grace(settings.worker_poll_seconds))
    return render_template("packs/unacceptable_behaviour/compliance.html", report=report,
                           figures=policy_figures(runtime().casework, now))
