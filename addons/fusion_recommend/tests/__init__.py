from . import test_next_best_action
from . import test_suggested_lines
from . import test_targeting
from . import test_recommender_cache
