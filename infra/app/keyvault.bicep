// The vault that holds the app's own secrets (signing key, Meta secrets) and the tenants'
// integration credentials. Access is by Azure RBAC only (no access policies); deleted
// secrets and the vault itself stay recoverable (soft delete) and cannot be purged early.

param location string
param tags object
param keyVaultName string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
