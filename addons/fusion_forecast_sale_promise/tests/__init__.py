from . import test_forecast_promise
