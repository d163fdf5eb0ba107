import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { Construct } from "constructs";

export interface ApplicationInstallProps {
  /** Client (application) id of the vendor's multi-tenant application. */
  readonly clientId: string;
}

/**
 * Installs the vendor's application in the customer's tenant as a service
 * principal. A customer who already consented (through the admin-consent URL)
 * keeps its service principal: it is adopted rather than reported as a clash.
 */
export class ApplicationInstall extends Construct {
  readonly servicePrincipal: ServicePrincipal;

  constructor(scope: Construct, id: string, props: ApplicationInstallProps) {
    super(scope, id);

    this.servicePrincipal = new ServicePrincipal(this, "service-principal", {
      clientId: props.clientId,
      useExisting: true,
      // Deleting it removes the application's access to the key at once, and
      // azuread deletes even an adopted service principal on destroy.
      lifecycle: { preventDestroy: true },
    });
  }
}
