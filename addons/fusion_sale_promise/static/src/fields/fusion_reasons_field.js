/** @odoo-module **/
// The reasons of a quotation line as an icon whose tooltip lists them: one row per line, whatever their number.
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

export class FusionReasonsField extends Component {
    static template = "fusion_sale_promise.FusionReasonsField";
    static props = { ...standardFieldProps };

    get reasons() {
        return (this.props.record.data[this.props.name] || "").split("\n").filter((reason) => reason);
    }

    get tooltipInfo() {
        return JSON.stringify({ reasons: this.reasons });
    }
}

registry.category("fields").add("fusion_reasons", {
    component: FusionReasonsField,
    displayName: "Reasons in a tooltip",
    supportedTypes: ["text", "char"],
});
