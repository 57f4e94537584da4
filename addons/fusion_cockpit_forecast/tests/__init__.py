from . import test_cockpit_forecast
