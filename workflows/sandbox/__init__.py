"""The sandbox every BPMN expression, gateway condition, script, pre/post script, timer and message
expression runs in, instead of SpiffWorkflow's default eval/exec with all builtins.

RestrictedPython decides what code may touch (curated builtins, allowlisted attributes, no names
starting with "_"); this package adds what RestrictedPython does not bound: time, repetition and
the size of what code builds. ``compile_problems`` lets deployment refuse a diagram without running
anything.
"""

from workflows.sandbox.compiler import compile_problems
from workflows.sandbox.environment import SandboxedEnvironment, SandboxedScriptEngine, make_script_engine
from workflows.sandbox.errors import SandboxError

__all__ = [
    "SandboxError", "SandboxedEnvironment", "SandboxedScriptEngine", "compile_problems", "make_script_engine",
]
