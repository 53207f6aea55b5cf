from tsjit.frontend.importers import import_graph, import_graph_function  # noqa: F401
from tsjit.frontend.importers.from_torch import FromTorchError, from_torch  # noqa: F401
