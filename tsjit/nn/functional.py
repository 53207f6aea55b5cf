"""`tsjit.nn.functional` (torch.nn.functional): the eager library's functional ops (tsjit/eager/functional.py)."""
from tsjit.eager.functional import *  # noqa: F401,F403
from tsjit.eager.functional import __all__  # noqa: F401
