/** @odoo-module **/
// Issue 11: a manager filters customers at high churn risk and opens one.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_churn_high_risk", {
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Customers at high churn risk",
            trigger: ".o_filter_menu .o_menu_item:contains('High churn risk')",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Tour risky customer')",
        },
        {
            content: "Only customers at high risk are listed",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Tour loyal customer')))",
        },
        {
            trigger: ".o_kanban_record:contains('Tour risky customer')",
            run: "click",
        },
        {
            content: "The badge says what it is",
            trigger: "div[name=fusion_churn_badge]:contains('Churn risk'):contains('High')",
        },
        {
            content: "The churn button is in sight, not under More",
            trigger: ".o-form-buttonbox button[name=action_view_fusion_churn_score]:visible",
        },
    ],
});
