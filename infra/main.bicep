// Spheres backend in one resource group: a Flex Consumption function app that reaches
// storage, Key Vault and Application Insights with its user-assigned identity only.
// No storage keys, no connection strings with secrets, no listKeys().
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(16)
@description('Short name of this deployment (e.g. prod, staging); goes into tags and, hashed, into resource names.')
param environmentName string

@description('Region of every resource; must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@minLength(1)
@description('Origins the browser frontend is served from (CORS), e.g. ["https://app.example.com"].')
param corsAllowedOrigins string[]

@description('Public https base URL the webhook URLs are built from. Empty: the function app\'s own https://<name>.azurewebsites.net URL. Set it when a custom domain fronts the app.')
param publicBaseUrl string = ''

@description('Base URL of the frontend: password-reset links and OAuth redirects point there (Spheres__FrontendBaseUrl).')
param frontendBaseUrl string = ''

@description('Pub/Sub topic Gmail watches publish to, projects/<project>/topics/<topic> (Spheres__Google__PubSubTopic). Empty: Gmail cannot be connected (503 not-configured).')
param googlePubSubTopic string = ''
@description('The service account the Gmail Pub/Sub push subscription signs its OIDC tokens as; empty leaves POST /api/webhooks/gmail/ at 503 not-configured.')
param gmailPushServiceAccount string = ''

@description('NCRONTAB schedule (six fields, UTC) of the catalog reseed.')
param catalogReseedSchedule string = '0 0 3 * * *'

@description('Object id of the person (or group, or service principal) who will set the secrets in the vault; gets Key Vault Secrets Officer. Empty: no such assignment.')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
@description('What kind of principal principalId is.')
param principalType string = 'User'

@allowed([512, 2048, 4096])
@description('Memory of one Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Upper bound of Flex Consumption scale-out (instances).')
param maximumInstanceCount int = 100

@description('Email address the alerts (poison queues, 5xx rate, waiting auto-replies, provider refusals) are sent to. Empty: the alerts fire in the portal only.')
param alertEmail string = ''

@description('Deploy an Azure OpenAI account with an embedding deployment and use it for review and message embeddings. False: the local model shipped with the app (no network).')
param deployAzureOpenAI bool = false

@description('Embedding model of the Azure OpenAI deployment (when deployAzureOpenAI).')
param openAIEmbeddingModel string = 'text-embedding-3-small'

@description('Version of that model.')
param openAIEmbeddingModelVersion string = '1'

@minValue(1)
@description('Capacity of the embedding deployment, in thousands of tokens per minute.')
param openAIEmbeddingCapacity int = 120

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { application: 'spheres', environment: environmentName }
var functionAppName = 'func-spheres-${resourceToken}'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-spheres-${resourceToken}'
  location: location
  tags: tags
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-spheres-${resourceToken}'
    applicationInsightsName: 'appi-spheres-${resourceToken}'
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    actionGroupName: 'ag-spheres-${resourceToken}'
    alertEmail: alertEmail
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: 'st${resourceToken}'
    deploymentContainerName: 'app-package-${resourceToken}'
  }
}

module vault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    keyVaultName: 'kv${resourceToken}'
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    appPrincipalId: appIdentity.properties.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: vault.outputs.name
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

module openai 'app/openai.bicep' = if (deployAzureOpenAI) {
  name: 'openai'
  params: {
    location: location
    tags: tags
    accountName: 'oai-spheres-${resourceToken}'
    appPrincipalId: appIdentity.properties.principalId
    embeddingModel: openAIEmbeddingModel
    embeddingModelVersion: openAIEmbeddingModelVersion
    embeddingCapacity: openAIEmbeddingCapacity
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  params: {
    location: location
    tags: tags
    functionAppName: functionAppName
    planName: 'plan-spheres-${resourceToken}'
    identityResourceId: appIdentity.id
    identityClientId: appIdentity.properties.clientId
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    corsAllowedOrigins: corsAllowedOrigins
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: vault.outputs.name
    keyVaultUri: vault.outputs.uri
    publicBaseUrl: publicBaseUrl
    frontendBaseUrl: frontendBaseUrl
    googlePubSubTopic: googlePubSubTopic
    gmailPushServiceAccount: gmailPushServiceAccount
    catalogReseedSchedule: catalogReseedSchedule
    embeddingsProvider: deployAzureOpenAI ? 'azure-openai' : 'local'
    openAIEndpoint: openai.?outputs.endpoint ?? ''
    openAIEmbeddingDeployment: openai.?outputs.embeddingDeploymentName ?? ''
  }
  // The host reads storage and the vault with the identity as soon as it starts:
  // grant the roles first (nothing in the parameters implies this order).
  dependsOn: [rbac]
}

output functionAppName string = api.outputs.name
output functionAppUrl string = api.outputs.url
output publicBaseUrl string = api.outputs.publicBaseUrl
output keyVaultName string = vault.outputs.name
output keyVaultUri string = vault.outputs.uri
