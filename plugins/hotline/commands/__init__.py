"""The verbs of the `hotline` command, one module each.

Each module has `add_parser(subparsers)`, which registers the verb and sets
`run(args) -> exit code` as its default.
"""
