"""The disk cache: a hit returns the same bytes and ETag without drawing the banner again."""
import dataclasses

import pytest

from promo.banners import TEMPLATES, BannerCache, render_banner


class CountingRenderer:
    def __init__(self):
        self.calls = 0

    def __call__(self, template, fields):
        self.calls += 1
        return render_banner(template, fields)


@pytest.fixture
def renderer():
    return CountingRenderer()


def test_cache_hit_returns_same_etag_and_does_not_render_again(fields, tmp_path, renderer):
    cache = BannerCache(tmp_path, render=renderer)

    first_png, first_etag = cache.get_or_render(TEMPLATES["og"], fields)
    second_png, second_etag = cache.get_or_render(TEMPLATES["og"], fields)

    assert renderer.calls == 1
    assert second_etag == first_etag
    assert second_png == first_png == render_banner(TEMPLATES["og"], fields)


def test_cache_survives_a_new_cache_object_on_the_same_directory(fields, tmp_path, renderer):
    """Another worker process opening the same folder serves the stored file."""
    _, etag = BannerCache(tmp_path).get_or_render(TEMPLATES["square"], fields)
    _, etag_again = BannerCache(tmp_path, render=renderer).get_or_render(TEMPLATES["square"], fields)
    assert etag_again == etag and renderer.calls == 0


def test_etag_is_known_before_rendering(fields, tmp_path, renderer):
    cache = BannerCache(tmp_path, render=renderer)
    predicted = cache.etag_for(TEMPLATES["story"], fields)
    assert renderer.calls == 0
    assert cache.get_or_render(TEMPLATES["story"], fields)[1] == predicted


def test_any_change_to_fields_or_template_changes_the_etag(fields, tmp_path):
    cache = BannerCache(tmp_path)
    base = cache.etag_for(TEMPLATES["og"], fields)
    recoloured = dataclasses.replace(
        TEMPLATES["og"],
        theme=dataclasses.replace(
            TEMPLATES["og"].theme,
            palette=dataclasses.replace(TEMPLATES["og"].theme.palette, accent="#ff0000"),
        ),
    )
    variants = [
        cache.etag_for(TEMPLATES["square"], fields),
        cache.etag_for(recoloured, fields),
        cache.etag_for(TEMPLATES["og"], dataclasses.replace(fields, first_name="Bea")),
        cache.etag_for(TEMPLATES["og"], dataclasses.replace(fields, locale="pl_PL")),
    ]
    assert base not in variants and len(set(variants)) == len(variants)


def test_files_are_written_whole_with_no_temporary_left_behind(fields, tmp_path):
    cache = BannerCache(tmp_path)
    png, etag = cache.get_or_render(TEMPLATES["og"], fields)

    stored = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert stored == [cache.path_for(etag)]
    assert stored[0].read_bytes() == png


def test_a_truncated_cache_file_is_rendered_again(fields, tmp_path, renderer):
    cache = BannerCache(tmp_path, render=renderer)
    png, etag = cache.get_or_render(TEMPLATES["og"], fields)
    cache.path_for(etag).write_bytes(png[: len(png) // 2])

    repaired, _ = cache.get_or_render(TEMPLATES["og"], fields)
    assert repaired == png and renderer.calls == 2
    assert cache.path_for(etag).read_bytes() == png
