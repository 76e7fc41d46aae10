using Spheres.DevHost;

// With Azure Functions Core Tools installed, `func start` in Spheres.Functions serves the same API.
DevHostApplication.Create(args).Run();
