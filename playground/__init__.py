"""playground: `tailor playground`, a local web page where the methods answer the same input side by side.

    from playground.server import create_app
    app = create_app()          # FastAPI: GET / (the page), POST /api/kb|fridge|booking|table|idea (NDJSON)

See README.md in this folder. Nothing heavy is imported here, so `tailor --help` stays instant.
"""
