from . import fusion_privacy_erasure
