"""The fastest this stack can serve a page: one Django view, no database, no middleware, no templates.

bench/load.py serves it with the same gunicorn configuration as the portal, in the same run, so that
the portal's figures can be read as a share of it on whatever machine they are measured.

    DJANGO_SETTINGS_MODULE=bench.bare.settings .venv/bin/gunicorn bench.bare.wsgi --workers 2
"""
