from . import fusion_forecast_run
