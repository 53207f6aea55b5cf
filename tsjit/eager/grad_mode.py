"""no_grad, enable_grad, set_grad_enabled, inference_mode: tsjit has no autograd, so they only
record the flag `is_grad_enabled()` reports; models written for PyTorch run unchanged."""
from __future__ import annotations

import functools

_enabled = True


def is_grad_enabled() -> bool:
    return _enabled


class _GradMode:
    """A context manager and decorator that sets the grad flag to `_mode` while it is active."""

    _mode = True

    def __enter__(self):
        global _enabled
        self._prev, _enabled = _enabled, self._mode

    def __exit__(self, *exc) -> None:
        global _enabled
        _enabled = self._prev

    def _fresh(self) -> "_GradMode":
        """A new manager with the same mode, so a decorated function can be re-entered."""
        return type(self)()

    def __call__(self, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)
        return run


class no_grad(_GradMode):  # noqa: N801 - torch's name
    _mode = False


class enable_grad(_GradMode):  # noqa: N801
    _mode = True


class inference_mode(_GradMode):  # noqa: N801
    def __init__(self, mode=True):
        self._mode = not mode

    def _fresh(self) -> "inference_mode":
        return inference_mode(not self._mode)


class set_grad_enabled(_GradMode):  # noqa: N801
    """set_grad_enabled(False) switches the flag at once (as a call) and restores it on exit (as a `with`)."""

    def __init__(self, mode):
        global _enabled
        self._prev, self._mode = _enabled, bool(mode)
        _enabled = self._mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        global _enabled
        _enabled = self._prev  # as a decorator it only applies while the function runs
        mode = self._mode

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return run
