// Log Analytics and a workspace-based Application Insights that accepts Entra ID
// (managed identity) ingestion only: DisableLocalAuth turns off instrumentation-key auth.

param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
// The connection string only locates the ingestion endpoint; with local auth disabled
// the key in it authorizes nothing, the identity's token does.
output connectionString string = applicationInsights.properties.ConnectionString
