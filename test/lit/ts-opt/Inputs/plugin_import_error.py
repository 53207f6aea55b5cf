"""A pass plugin that fails while it is imported."""
from xdsl.passes import ModulePass

raise_here = undefined_name  # noqa: F821  (NameError on import)
