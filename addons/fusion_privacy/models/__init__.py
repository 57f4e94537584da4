from . import fusion_privacy_consent
from . import fusion_privacy_retention_policy
from . import fusion_privacy_erasure
from . import fusion_data_purpose
from . import res_partner
