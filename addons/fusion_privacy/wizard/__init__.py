from . import fusion_privacy_access_export
