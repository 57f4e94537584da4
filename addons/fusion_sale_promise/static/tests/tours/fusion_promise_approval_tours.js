/** @odoo-module **/
// Issue 11: a salesperson and a manager use the approval flow from the views they know.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_promise_request_approval", {
    steps: () => [
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour customer')",
            run: "click",
        },
        {
            content: "Add a product line",
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_selected_row div[name=product_template_id] input",
            run: "edit Tour chair",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour chair')",
            run: "click",
        },
        {
            content: "A discount over the guardrail's maximum",
            trigger: ".o_selected_row div[name=discount] input",
            run: "edit 45",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The banner names the product and the maximum",
            trigger: "div[name=fusion_promise_alert]:contains('Tour chair'):contains('exceeds the maximum')",
        },
        {
            content: "Request approval (the main button)",
            trigger: "button.btn-primary[name=action_fusion_request_approval]",
            run: "click",
        },
        {
            content: "The exceptions are listed in the request; say why",
            trigger: ".modal div[name=exceptions]:contains('Tour chair')",
        },
        {
            trigger: ".modal div[name=note] textarea",
            run: "edit A competitor offers 40%",
        },
        {
            trigger: ".modal button[name=action_request]",
            run: "click",
        },
        {
            content: "The banner says the approval is requested",
            trigger: "div[name=fusion_promise_alert]:contains('Approval requested by')",
        },
        {
            trigger: "body:not(:has(button[name=action_fusion_request_approval]:visible))",
        },
    ],
});

registry.category("web_tour.tours").add("fusion_promise_approve_from_activity", {
    steps: () => [
        {
            content: "Open the activities",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            content: "The quotations waiting for the manager",
            trigger: ".o-mail-ActivityGroup:contains('Sales Order')",
            run: "click",
        },
        {
            content: "Open the quotation from the list",
            trigger: ".o_data_row:contains('Tour customer') .o_data_cell",
            run: "click",
        },
        {
            content: "Review the exceptions",
            trigger: "button[name=action_fusion_open_approval]",
            run: "click",
        },
        {
            trigger: ".modal div[name=requested_by_id]:contains('Tour seller')",
        },
        {
            trigger: ".modal div[name=reason] textarea",
            run: "edit Match the competitor once",
        },
        {
            trigger: ".modal button[name=action_approve]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
