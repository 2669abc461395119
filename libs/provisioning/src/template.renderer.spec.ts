import { TemplateRenderError } from './provisioning.errors';
import { renderTemplate, templateVariables } from './template.renderer';

describe('renderTemplate', () => {
  it('replaces every placeholder, with or without inner spaces, and leaves dialplan ${VARS} alone', () => {
    const out = renderTemplate('x.conf', 'bind={{HOST}}:{{ PORT }}\nexten => ${EXTEN},1,Stasis({{APP}})', {
      HOST: '127.0.0.1',
      PORT: 5060,
      APP: 'hotline',
    });
    expect(out).toBe('bind=127.0.0.1:5060\nexten => ${EXTEN},1,Stasis(hotline)');
  });

  it('names every missing variable and the template', () => {
    const render = () => renderTemplate('pjsip.conf', '{{A}} {{B}} {{C}} {{B}}', { A: 1 });
    expect(render).toThrow(TemplateRenderError);
    expect(render).toThrow('Template pjsip.conf uses variable(s) with no value: {{B}}, {{C}}');
    try {
      render();
    } catch (error) {
      expect((error as TemplateRenderError).missingVariables).toEqual(['B', 'C']);
    }
  });

  it('rejects malformed placeholder names', () => {
    expect(() => renderTemplate('a.conf', '{{lower}}', { lower: 'x' })).toThrow(/malformed placeholder.*\{\{lower\}\}/);
  });

  it('rejects values with line breaks, which would inject config lines', () => {
    expect(() => renderTemplate('ari.conf', 'password={{P}}', { P: 'x\n[evil]' })).toThrow(/P contain line breaks/);
  });

  it('lists the variables a template uses, once each', () => {
    expect(templateVariables('{{A}} {{B}} {{A}}')).toEqual(['A', 'B']);
  });
});
