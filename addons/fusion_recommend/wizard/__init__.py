from . import fusion_recommend_targeting
from . import fusion_recommend_targeting_line
