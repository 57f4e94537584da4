from . import test_forecast_run
