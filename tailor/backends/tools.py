"""Tool specifications: what a model may call, with a JSON schema for the arguments.

A tool can be written as a plain Python function with type hints and a docstring
(`Tool.from_function`), or given in OpenAI's `{"type": "function", "function": {...}}` form.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError, create_model

from tailor.errors import UsageError


@dataclass
class Tool:
    name: str
    description: str
    parameters: dict  # JSON schema of the arguments object
    args_model: type[BaseModel] | None = None  # validates arguments when the tool came from Python
    function: Callable | None = None

    @classmethod
    def from_function(cls, function: Callable, name: str | None = None) -> Tool:
        """Build the schema from the function's signature; the docstring's first paragraph describes it."""
        fields = {}
        for param in inspect.signature(function).parameters.values():
            annotation = param.annotation if param.annotation is not inspect.Parameter.empty else Any
            default = param.default if param.default is not inspect.Parameter.empty else ...
            fields[param.name] = (annotation, default)
        args_model = create_model(f"{function.__name__}_args", **fields)
        doc = inspect.getdoc(function) or ""
        return cls(
            name=name or function.__name__,
            description=doc.split("\n\n")[0].replace("\n", " "),
            parameters=args_model.model_json_schema(),
            args_model=args_model,
            function=function,
        )

    def to_openai(self) -> dict:
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": self.parameters}}

    def validate_arguments(self, arguments: dict) -> dict:
        """Return the validated arguments; raise UsageError with the reason when they do not fit."""
        if self.args_model is None:
            return arguments
        try:
            return self.args_model.model_validate(arguments).model_dump()
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                                 for e in error.errors())
            raise UsageError(f"invalid arguments for {self.name}: {problems}") from error


ToolLike = Tool | dict | Callable


def normalize_tools(tools) -> list[Tool]:
    """Accept Tool objects, OpenAI-style dicts or plain functions; names must be unique."""
    result = [_one_tool(tool) for tool in (tools or [])]
    names = [tool.name for tool in result]
    if len(set(names)) != len(names):
        raise UsageError(f"tool names must be unique, got {names}")
    return result


def _one_tool(tool) -> Tool:
    if isinstance(tool, Tool):
        return tool
    if isinstance(tool, dict):
        spec = tool.get("function", tool)
        if not spec.get("name"):
            raise UsageError("a tool dict needs a name")
        return Tool(spec["name"], spec.get("description", ""),
                    spec.get("parameters") or {"type": "object", "properties": {}})
    if callable(tool):
        return Tool.from_function(tool)
    raise UsageError(f"a tool must be a Tool, an OpenAI-style dict or a function, got {type(tool).__name__}")
