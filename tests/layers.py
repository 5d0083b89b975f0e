"""Reading a page's map as ``static/js/map.js`` does: each declared layer fetched for the map's view."""


def bbox(bounds):
    return ",".join(str(value) for value in bounds)


def layer_features(client, config, zoom=14, bounds=None):
    """The features of every layer of a page's ``map_layers`` for ``bounds`` (the page's own by default)."""
    features = []
    for layer in config["layers"]:
        separator = "&" if "?" in layer["url"] else "?"
        url = f"{layer['url']}{separator}bbox={bbox(bounds or config['bounds'])}&zoom={zoom}"
        response = client.get(url)
        assert response.status_code == 200, response.content
        features += response.json()["features"]
    return features


def names_on_map(client, config, **kwargs):
    return {feature["properties"]["name"] for feature in layer_features(client, config, **kwargs)}
