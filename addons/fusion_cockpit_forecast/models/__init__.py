from . import fusion_cockpit_measure
