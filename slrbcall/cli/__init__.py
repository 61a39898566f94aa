"""The command line: a thin Typer layer over the ``service`` modules of each stage.

Only this package imports typer and rich. Commands parse options, call one service
function and render its result; they hold no business rule and no SQL.
"""
