"""Privacy rights: data export ("My data"), account erasure, retention and consent to the privacy terms.

The portal owns the machinery; each domain app contributes its part in `<app>/privacy.py` through
`portal.privacy.registry.register`, discovered when the portal app is ready.
"""
