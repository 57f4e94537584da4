/** @odoo-module **/
/**
 * The customer-risk graph colours each churn risk level as its badge does
 * (high red, medium orange, low green), whether the level is the x axis
 * (bar or pie slices) or the stacked series.
 */
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

const RISK_FIELD = "risk_level";
export const RISK_COLORS = { low: "#28A745", medium: "#F4A261", high: "#EA6175" };

export class FusionChurnRiskGraphRenderer extends GraphRenderer {
    /** {label shown: colour} of the risk levels, or null when the graph is not grouped by them. */
    riskColorsByLabel(position) {
        const { groupBy, fields } = this.model.metaData;
        if (groupBy[position]?.fieldName !== RISK_FIELD) {
            return null;
        }
        return Object.fromEntries(
            fields[RISK_FIELD].selection.map(([value, label]) => [label, RISK_COLORS[value]])
        );
    }

    getBarChartData() {
        const data = super.getBarChartData();
        this.colorByRisk(data);
        return data;
    }

    getPieChartData() {
        const data = super.getPieChartData();
        this.colorByRisk(data);
        return data;
    }

    colorByRisk(data) {
        const axisColors = this.riskColorsByLabel(0);
        const seriesColors = this.model.metaData.groupBy.length === 2 && this.riskColorsByLabel(1);
        for (const dataset of data.datasets) {
            if (seriesColors && seriesColors[dataset.label]) {
                dataset.backgroundColor = seriesColors[dataset.label];
            } else if (axisColors) {
                const colors = data.labels.map((label) => axisColors[label] || "#BBBBBB");
                dataset.backgroundColor = colors;
                if (this.model.metaData.mode === "pie") {
                    dataset.hoverBackgroundColor = colors;
                }
            }
        }
    }
}

export const fusionChurnRiskGraphView = { ...graphView, Renderer: FusionChurnRiskGraphRenderer };

registry.category("views").add("fusion_churn_risk_graph", fusionChurnRiskGraphView);
