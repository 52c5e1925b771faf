from cadres.selectors import cadres_visible_to


def test_scoping_per_role(world):
    c = world["cadres"]
    expected = {
        "admin": {c["self"], c["mentee"], c["bystander"], c["outsider"]},
        "staff": {c["self"], c["mentee"], c["bystander"]},
        "leader": {c["self"], c["mentee"], c["bystander"]},
        "mentor": {c["mentee"]},
        "evaluator": set(),
        "cadre": {c["self"]},
    }
    for role, user in world["users"].items():
        assert set(cadres_visible_to(user)) == expected[role], role
