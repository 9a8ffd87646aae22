"""The script-engine environment every BPMN expression and script runs in, and the engine around it.

Semantics follow SpiffWorkflow's TaskDataEnvironment: expressions see task data (and data objects)
as global names; scripts assign names in the task data, and afterwards no builtins, helpers or
other callables are left there. Differences, each on purpose: a script's new top-level values are
written back only if the whole script succeeded, and only plain data may be kept.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine

from workflows.sandbox.comparisons import COMPARISONS
from workflows.sandbox.compiler import Compiled, compile_sandboxed
from workflows.sandbox.errors import SandboxError, refusal_for
from workflows.sandbox.guards import GUARDS
from workflows.sandbox.limits import RESULT_FACTOR, Limits, run_limited
from workflows.sandbox.operators import OPERATORS
from workflows.sandbox.safe_builtins import SAFE_BUILTINS
from workflows.sandbox.sizes import measure

# Applied last, so task data can never shadow a guard or the curated builtins.
_SANDBOX_GLOBALS: dict[str, Any] = {**GUARDS, **OPERATORS, **COMPARISONS, "__builtins__": SAFE_BUILTINS}


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, functions: dict[str, Callable] | None = None, *, time_limit_s: float = 0.5,
                 max_iterations: int = 100_000, max_size: int = 100_000) -> None:
        functions = dict(functions or {})
        for name in functions:
            if not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name):
                raise ValueError(f"helper function name {name!r} must be an identifier not starting with '_'")
        super().__init__(functions)
        self._time_limit_s = time_limit_s
        self._max_iterations = max_iterations
        self._max_size = max_size

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = self._compiled(expression, "eval").code
        scope = {**self.globals, **(external_context or {}), **context, **_SANDBOX_GLOBALS}
        limits = self._limits()
        result = self._run(limits, eval, code, scope, with_line=False)
        measure([result], self._max_size * RESULT_FACTOR, storing=False)
        measure(_distinct(limits.touched), self._max_size * RESULT_FACTOR, storing=True)
        return result

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        compiled = self._compiled(script, "exec")
        external = external_context or {}
        self._refuse_clashes(compiled, context, external)
        scope = {**self.globals, **external, **context, **_SANDBOX_GLOBALS}
        limits = self._limits()
        self._run(limits, exec, compiled.code, scope, with_line=True)
        kept = {key: value for key, value in scope.items() if self._keeps(key, value, context, external)}
        changed = [value for key, value in kept.items() if key not in context or context[key] is not value]
        measure(changed + _distinct(limits.touched), self._max_size * RESULT_FACTOR, storing=True)
        for key in [key for key in context if key not in kept]:
            del context[key]  # deleted by the script, or a callable TaskDataEnvironment also drops
        context.update(kept)
        return True

    def _compiled(self, source: str, mode: str) -> Compiled:
        compiled = compile_sandboxed(source, mode)
        if compiled.problems:
            what = "expression" if mode == "eval" else "script"
            raise SandboxError(f"the {what} is refused: " + "; ".join(compiled.problems))
        return compiled

    def _limits(self) -> Limits:
        return Limits(time_limit_s=self._time_limit_s, max_iterations=self._max_iterations,
                      max_size=self._max_size)

    @staticmethod
    def _run(limits: Limits, run: Callable, code: Any, scope: dict, *, with_line: bool) -> Any:
        try:
            return run_limited(limits, run, code, scope)
        except Exception as error:
            refusal = refusal_for(error, with_line=with_line)
        # Raised outside the except block so the original error, whose message and traceback
        # locals can hold task data, is not even kept as __context__.
        raise refusal

    def _refuse_clashes(self, compiled: Compiled, context: Mapping, external: Mapping) -> None:
        # Helper names are this product's own constants, so naming them is safe and useful.
        for name in sorted(compiled.assigned_names & self.globals.keys()):
            raise SandboxError(f"a script may not assign to the helper function {name!r}")
        for name in sorted(context.keys() & self.globals.keys()):
            raise SandboxError(f"the task data has a field named like the helper function {name!r}")
        if context.keys() & external.keys():
            raise SandboxError("the task data has a field with the same name as a data object")

    def _keeps(self, key: str, value: Any, context: Mapping, external: Mapping) -> bool:
        if key in _SANDBOX_GLOBALS or key in self.globals or key in external or callable(value):
            return False
        # RestrictedPython's temporaries start with "_"; sandboxed code cannot create such names.
        return key in context or not key.startswith("_")


def _distinct(values: list[Any]) -> list[Any]:
    return list({id(value): value for value in values}.values())


class SandboxedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine that keeps the sandbox's safe reason in the WorkflowTaskException message
    (the stock engine drops it for expressions, reporting only "Error evaluating expression")."""

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SandboxError as error:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {error}",
                                        task=task, exception=error) from error

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except SandboxError as error:
            line = error.line_number
            error_line = script.splitlines()[line - 1] if line else ""
            raise WorkflowTaskException(f"Error running script: {error}", task=task, exception=error,
                                        line_number=line, error_line=error_line) from error


def make_script_engine(functions: dict[str, Callable] | None = None) -> PythonScriptEngine:
    """A PythonScriptEngine whose environment is a SandboxedEnvironment. Set it on every workflow,
    including each one just deserialized: SpiffWorkflow gives those its default, unsandboxed engine."""
    return SandboxedScriptEngine(environment=SandboxedEnvironment(functions))
