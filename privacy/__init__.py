"""Privacy rights: data export ("My data"), account erasure, retention and consent to the privacy terms.

This app owns the machinery; each domain app contributes its part in `<app>/privacy.py` through
`privacy.registry.register`, discovered when this app is ready (apps.py).
"""
