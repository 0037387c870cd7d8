"""Configuration errors are ``agents.exceptions.UserError`` without importing agents first.

``agents_oci.errors`` gives its classes a stand-in base that is swapped for
the real one when ``agents.exceptions`` (or ``openai``) is imported. Each case
runs in a fresh interpreter: in this one agents is imported already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from agents_oci.late_bases import StandIn, adopt, stand_in


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_errors_import_neither_agents_nor_openai_and_join_userror_when_agents_arrives() -> None:
    out = _fresh("""
        import pickle, sys
        from agents_oci.errors import IAMRequiredError, KeyFileError, OCIConfigurationError
        early = KeyFileError("made before agents was imported. Fix: none.")
        print("agents" in sys.modules, "openai" in sys.modules)
        from agents.exceptions import UserError
        import openai
        print(issubclass(KeyFileError, UserError), isinstance(early, UserError),
              issubclass(IAMRequiredError, openai.OpenAIError),
              issubclass(IAMRequiredError, UserError))
        try:
            raise KeyFileError("late")
        except UserError as exc:
            print("caught", exc, exc.run_data)
        again = pickle.loads(pickle.dumps(KeyFileError("pickled")))
        print(type(again).__name__, again, isinstance(again, UserError))
        print(any(type(f).__module__ == "agents_oci.late_bases" for f in sys.meta_path))
    """)
    assert out.splitlines() == [
        "False False",
        "True True True True",
        "caught late None",
        "KeyFileError pickled True",
        "False",  # the finder left once both modules had arrived
    ]


def test_errors_imported_after_agents_have_the_real_bases_at_once() -> None:
    out = _fresh("""
        import sys
        import agents, openai
        from agents_oci.errors import IAMRequiredError, OCIConfigurationError
        print([c.__module__ + "." + c.__name__ for c in IAMRequiredError.__mro__[1:5]])
        print(any(type(f).__module__ == "agents_oci.late_bases" for f in sys.meta_path))
    """)
    assert out.splitlines() == [
        "['agents_oci.errors.OCIConfigurationError', 'agents.exceptions.UserError', "
        "'agents.exceptions.AgentsException', 'openai.OpenAIError']",
        "False",
    ]


def test_the_agents_sdk_catches_our_errors_as_user_errors_in_a_run() -> None:
    # The Runner's own `except UserError` paths see a configuration error raised
    # by a model that was built before agents was imported.
    out = _fresh("""
        from agents_oci.errors import InvalidModelNameError
        from agents import Agent, Runner
        from agents.exceptions import UserError
        from agents.models.interface import ModelProvider

        class Refusing(ModelProvider):
            def get_model(self, name):
                raise InvalidModelNameError("no such model. Fix: name one.")

        from agents import RunConfig
        try:
            Runner.run_sync(Agent(name="a", model="x"), "hi",
                            run_config=RunConfig(model_provider=Refusing(), tracing_disabled=True))
        except UserError as exc:
            print(type(exc).__name__)
    """)
    assert out == "InvalidModelNameError"


def test_a_stand_in_for_a_module_already_loaded_is_swapped_at_once() -> None:
    placeholder = stand_in("subprocess", "SubprocessError")
    assert issubclass(placeholder, StandIn)

    class Late(placeholder):  # type: ignore[misc, valid-type]
        pass

    adopt(Late, placeholder)
    assert Late.__bases__ == (subprocess.SubprocessError,)
    with pytest.raises(subprocess.SubprocessError):
        raise Late("x")


def test_the_real_modules_keep_their_own_loaders_and_resources() -> None:
    out = _fresh("""
        import importlib.resources, pkgutil
        import agents_oci.errors
        import openai, agents.exceptions
        print(type(openai.__loader__).__name__, type(openai.__spec__.loader).__name__)
        print(importlib.resources.files("openai").joinpath("py.typed").is_file(),
              pkgutil.get_data("openai", "py.typed") is not None)
        from agents_oci.errors import UserError
        print(UserError is agents.exceptions.UserError)
    """)
    assert out.splitlines() == ["SourceFileLoader SourceFileLoader", "True True", "True"]


def test_an_error_made_before_the_swap_has_the_sdks_run_data() -> None:
    out = _fresh("""
        from agents_oci.errors import MissingCompartmentError
        early = MissingCompartmentError("no compartment. Fix: pass one.")
        print(early.run_data)
    """)
    assert out == "None"


def test_a_module_seen_half_imported_keeps_the_class_waiting() -> None:
    # Another thread is importing openai: it is in sys.modules without
    # OpenAIError yet, and settle() runs then. The swap must still happen later.
    out = _fresh("""
        import sys, types
        from agents_oci import late_bases
        from agents_oci.errors import IAMRequiredError, OCIConfigurationError
        half = types.ModuleType("openai")
        sys.modules["openai"] = half
        OCIConfigurationError("made while openai is half imported")  # settle()
        del sys.modules["openai"]
        import openai
        print(issubclass(IAMRequiredError, openai.OpenAIError))
    """)
    assert out == "True"
