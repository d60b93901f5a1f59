from app import settings_from_environment


def test_schema_auto_upgrade_follows_the_environment_and_defaults_to_sqlite_only():
    assert settings_from_environment({}, "/tmp")["DATABASE_AUTO_UPGRADE"] is None
    assert settings_from_environment({"PROMOSHOP_DATABASE_AUTO_UPGRADE": "yes"}, "/tmp")["DATABASE_AUTO_UPGRADE"] is True
    assert settings_from_environment({"PROMOSHOP_DATABASE_AUTO_UPGRADE": "off"}, "/tmp")["DATABASE_AUTO_UPGRADE"] is False


def test_banner_cache_directory_comes_from_the_environment():
    env = {"PROMOSHOP_BANNER_CACHE_DIR": "/var/cache/promoshop-banners"}
    assert settings_from_environment(env, "/tmp")["BANNER_CACHE_DIR"] == "/var/cache/promoshop-banners"
    assert settings_from_environment({}, "/tmp")["BANNER_CACHE_DIR"] is None
