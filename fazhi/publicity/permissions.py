"""What each role may do in this module (merged into core.roles). Permission strings: "publicity.<verb>".

- publicity.view           see events, sites, the registry, trainings and study sessions inside one's node
- publicity.record_event   record a publicity event in one's node (司法所 for the subdistrict; 村干部/网格员 in their village/grid)
- publicity.manage         campaigns, publicity sites, the 法治带头人/法律明白人 registry and their trainings (司法所 runs publicity)
- publicity.manage_study   leadership law study sessions, seminars and Party lectures (党政办)
- publicity.manage_staff_training  staff legal training and certificate-exam records
The key publicity dates are shared by the whole installation; administrators keep them (core.manage_calendar),
like the working-day calendar and the deadline rules.
"""
from fazhi.core.roles import Role

GRANTS = {
    Role.JUDICIAL_STAFF: {"publicity.view", "publicity.record_event", "publicity.manage", "publicity.manage_staff_training"},
    Role.OFFICE_STAFF: {"publicity.view", "publicity.manage_study", "publicity.manage_staff_training"},
    Role.MEDIATOR: {"publicity.view", "publicity.record_event"},
    Role.GRID_WORKER: {"publicity.view", "publicity.record_event"},
    Role.LEADER: {"publicity.view"},
}
