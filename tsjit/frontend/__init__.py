from tsjit.frontend.importers import import_graph, import_graph_function  # noqa: F401
