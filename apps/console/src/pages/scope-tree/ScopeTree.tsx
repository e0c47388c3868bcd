import { type ScopeNode, scopeKey } from './scope-tree';
import './scope-tree.css';

const TYPE_LABEL: Record<string, string> = { system: 'System', tenant: 'Tenant', cluster: 'Cluster', department: 'Department', project: 'Project' };

export interface ScopeTreeProps {
  /** The tree's accessible name. */
  label: string;
  roots: readonly ScopeNode[];
  /** `multi`: checkboxes (sharing); `single`: radio buttons (an access rule's scope). */
  mode: 'multi' | 'single';
  /** Keys (`type:id`) checked. */
  checked: ReadonlySet<string>;
  /** Whether a scope can be picked (or unpicked); others are shown as context only. */
  selectable: (node: ScopeNode) => boolean;
  onToggle: (node: ScopeNode, checked: boolean) => void;
  /** Keys shown as changed (a pending share or unshare). */
  changed?: ReadonlySet<string>;
}

/** The org's scopes as nested lists, each pickable one with its checkbox or radio button and its type. */
export function ScopeTree(props: ScopeTreeProps) {
  return (
    <fieldset className="scope-tree">
      <legend>{props.label}</legend>
      {props.roots.length === 0 ? <p className="state">There is no scope you may pick here.</p> : <Branch {...props} nodes={props.roots} />}
    </fieldset>
  );
}

function Branch(props: ScopeTreeProps & { nodes: readonly ScopeNode[] }) {
  return (
    <ul>
      {props.nodes.map((node) => {
        const key = scopeKey(node);
        const text = (
          <>
            <span className="scope-type">{TYPE_LABEL[node.scopeType] ?? node.scopeType}</span> {node.name}
            {node.name !== node.scopeId && <span className="scope-id"> ({node.scopeId})</span>}
          </>
        );
        return (
          <li key={key} data-scope={key} className={props.changed?.has(key) === true ? 'changed' : undefined}>
            {props.selectable(node) ? (
              <label>
                <input
                  type={props.mode === 'multi' ? 'checkbox' : 'radio'}
                  name={props.mode === 'single' ? props.label : undefined}
                  value={key}
                  checked={props.checked.has(key)}
                  onChange={(e) => props.onToggle(node, e.target.checked)}
                />{' '}
                {text}
              </label>
            ) : (
              <span className="context">{text}</span>
            )}
            {node.children.length > 0 && <Branch {...props} nodes={node.children} />}
          </li>
        );
      })}
    </ul>
  );
}
