from . import fusion_churn_dataset
