"""Private values and their spellings: what the anonymiser removes and the guard looks for.

Shared by `load` (the anonymiser) and `build` (the guard), so that both see
one spelling of every value. It imports only `hotline.model` and libraries.
"""
