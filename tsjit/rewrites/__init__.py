"""IR rewriting helpers the ts-level passes share: reading and replacing the constant parameters of
frozen graphs (frozen_constants.py) and the conv + pointwise folding conditions (conv_pointwise.py)."""
