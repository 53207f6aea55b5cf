"""A Python file that defines no ModulePass subclass."""
ANSWER = 42
