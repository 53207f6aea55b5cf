"""The tracing frontend: run eager code on example inputs and record the ts ops it executes."""
