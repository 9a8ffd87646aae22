from bench.floor import run_floor


def test_the_engine_floor_runs_the_policy_lifecycle_to_its_end():
    """Not a measurement: the in-memory lifecycle still walks the policy's diagram from incident to closure
    (it raises if a case does not finish), with the answers the forms would give the engine."""
    assert run_floor(0.01)["cases_per_s"] > 0
