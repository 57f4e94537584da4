/** @odoo-module **/
// Issue 11: a support agent opens a Spanish complaint, sees the analysis and the context, sends the suggested reply.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_helpdesk_reply", {
    steps: () => [
        {
            content: "The urgency beside the priority",
            trigger: ".o_form_view div[name=fusion_urgency]",
        },
        {
            content: "The analysis",
            trigger: ".o_notebook_headers a[name=fusion_analysis]",
            run: "click",
        },
        {
            trigger: "div[name=fusion_language]:contains('Spanish')",
        },
        {
            content: "The customer's context",
            trigger: ".o_notebook_headers a[name=fusion_context]",
            run: "click",
        },
        {
            trigger: ".o_fusion_orders:contains('Tour order')",
        },
        {
            content: "A reply that uses what the customer wrote and invents nothing",
            trigger: "div[name=fusion_reply_suggestion]:contains('45,90 €'):not(:contains('factura'))",
        },
        {
            trigger: "body:not(:contains('Left out because unknown'))",
        },
        {
            content: "Send the suggested reply",
            trigger: ".o_form_statusbar button[name=action_fusion_send_reply]",
            run: "click",
        },
        {
            // A single record's composer sends through its Send / Send Later drop-down (Odoo 18).
            trigger: ".modal button.o_mail_send:contains('Send')",
            run: "click",
        },
        {
            content: "The reply is in the chatter",
            trigger: ".o-mail-Message:contains('45,90 €')",
        },
    ],
});
