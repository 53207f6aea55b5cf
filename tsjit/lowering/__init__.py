"""ts → linalg/tensor/arith/math lowerings, one file per op family, registered in table.py."""
