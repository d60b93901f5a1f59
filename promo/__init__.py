"""promo: an embedded promotion engine. Flask-free; the web layer, JSON API and CLI are its clients."""
